// notifications.rs - the Rust half's own state, kept in statics of nested modules.
use crate::bindings::*;
use std::ptr::null_mut;

pub mod state {
    use std::sync::Mutex;

    pub static RECENT_HOSTS: Mutex<Vec<*const u8>> = Mutex::new(Vec::new());
    pub static mut LAST_URL: *mut u8 = std::ptr::null_mut();
}

pub struct HostTable {
    hosts: Vec<String>,
}

impl HostTable {
    pub fn get_header(&self, i: usize) -> *const u8 {
        self.hosts[i].as_ptr()
    }
}

pub unsafe fn on_authorize(ctx: *mut IHttpContext, table: &HostTable) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let host = (*request).get_header(c"Host".as_ptr() as *const u8, null_mut());
    if !host.is_null() {
        state::RECENT_HOSTS.lock().unwrap().push(host);
        //~^ request-scope-escape-static
    }
    state::RECENT_HOSTS.lock().unwrap().push(table.get_header(0));
    let url = (*ctx).allocate_request_memory(64) as *mut u8;
    if url.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    self::state::LAST_URL = url;
    //~^ request-scope-escape-static
    RQ_NOTIFICATION_CONTINUE
}

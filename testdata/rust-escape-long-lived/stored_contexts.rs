// stored_contexts.rs - module contexts stored on the connection outlive the request; the
// request's own container does not.
use std::ptr::null_mut;

static mut MODULE_ID: *mut std::ffi::c_void = null_mut();

pub struct ConnectionState {
    last_path: *const u8,
    requests: u32,
}

impl ConnectionState {
    pub unsafe fn note(&mut self, ctx: *mut IHttpContext) {
        let path = (*ctx).allocate_request_memory(260) as *const u8;
        if path.is_null() {
            return;
        }
        self.last_path = path;
        //~^ request-scope-escape-long-lived
        self.requests += 1;
    }
}

pub struct RequestState {
    body: *const u8,
}

impl RequestState {
    pub unsafe fn note(&mut self, ctx: *mut IHttpContext) {
        let body = (*ctx).allocate_request_memory(64) as *const u8;
        if body.is_null() {
            return;
        }
        self.body = body;
    }
}

pub unsafe fn attach(ctx: *mut IHttpContext) {
    let connection = (*ctx).get_connection();
    let container = (*connection).get_module_context_container();
    let state: *mut ConnectionState = Box::into_raw(Box::new(ConnectionState {
        last_path: null_mut(),
        requests: 0,
    }));
    (*container).set_module_context(state as *mut IHttpStoredContext, MODULE_ID);

    let own = (*ctx).get_module_context_container();
    let per_request: *mut RequestState = Box::into_raw(Box::new(RequestState { body: null_mut() }));
    (*own).set_module_context(per_request as *mut IHttpStoredContext, MODULE_ID);
}

// lib.rs - the Rust half: registration and the request notifications.
#![allow(non_snake_case)]

mod bindings;
mod notifications;

pub use bindings::*;

use std::ffi::c_void;
use std::ptr::null_mut;

static mut SERVER: *mut IHttpServer = null_mut();

extern "C" {
    static mut g_pszSharedPath: *mut u8;
    static mut g_cbSharedPath: u32;
}

#[no_mangle]
pub unsafe extern "system" fn RegisterModule(
    _version: u32,
    _info: *mut c_void,
    server: *mut IHttpServer,
) -> HRESULT {
    SERVER = server;
    0
}

pub unsafe extern "system" fn on_map_path(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let path = (*ctx).allocate_request_memory(260) as *mut u8;
    if path.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    g_pszSharedPath = path;
    //~^ request-scope-escape-static
    g_cbSharedPath = 260;
    RQ_NOTIFICATION_CONTINUE
}

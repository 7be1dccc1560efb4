// bindings.rs - the parts of httpserv.h the module uses, bound by hand: each interface is a
// `#[repr(C)]` struct whose first field points to its vtable, and a thin `impl` forwards the
// snake_case methods the module calls.
#![allow(non_snake_case, non_camel_case_types, dead_code)]

use std::ffi::c_void;

pub type HRESULT = i32;
pub type REQUEST_NOTIFICATION_STATUS = i32;
pub const RQ_NOTIFICATION_CONTINUE: REQUEST_NOTIFICATION_STATUS = 1;
pub const RQ_NOTIFICATION_PENDING: REQUEST_NOTIFICATION_STATUS = 2;
pub const RQ_NOTIFICATION_FINISH_REQUEST: REQUEST_NOTIFICATION_STATUS = 3;

#[repr(C)]
pub struct IHttpContextVtbl {
    pub GetRequest: unsafe extern "system" fn(*mut IHttpContext) -> *mut IHttpRequest,
    pub GetResponse: unsafe extern "system" fn(*mut IHttpContext) -> *mut IHttpResponse,
    pub AllocateRequestMemory: unsafe extern "system" fn(*mut IHttpContext, u32) -> *mut c_void,
    pub GetServerVariable:
        unsafe extern "system" fn(*mut IHttpContext, *const u8, *mut *const u8, *mut u32) -> HRESULT,
}

#[repr(C)]
pub struct IHttpContext {
    pub vtbl: *const IHttpContextVtbl,
}

#[repr(C)]
pub struct IHttpRequestVtbl {
    pub GetHeader: unsafe extern "system" fn(*mut IHttpRequest, *const u8, *mut u16) -> *const u8,
}

#[repr(C)]
pub struct IHttpRequest {
    pub vtbl: *const IHttpRequestVtbl,
}

#[repr(C)]
pub struct IHttpResponse {
    pub vtbl: *const c_void,
}

#[repr(C)]
pub struct IHttpServer {
    pub vtbl: *const c_void,
}

impl IHttpContext {
    pub unsafe fn get_request(&mut self) -> *mut IHttpRequest {
        unsafe { ((*self.vtbl).GetRequest)(self) }
    }

    pub unsafe fn allocate_request_memory(&mut self, cb: u32) -> *mut c_void {
        unsafe { ((*self.vtbl).AllocateRequestMemory)(self, cb) }
    }
}

impl IHttpRequest {
    pub unsafe fn get_header(&mut self, name: *const u8, len: *mut u16) -> *const u8 {
        unsafe { ((*self.vtbl).GetHeader)(self, name, len) }
    }
}

pub type GLOBAL_NOTIFICATION_STATUS = i32;
pub const GL_NOTIFICATION_CONTINUE: GLOBAL_NOTIFICATION_STATUS = 0;

impl IHttpContext {
    pub unsafe fn indicate_completion(&mut self, status: REQUEST_NOTIFICATION_STATUS) {
        unimplemented!()
    }
}

/// A raw pointer that may cross threads: the module promises to follow the async protocol.
pub struct SendPtr<T>(pub *mut T);
unsafe impl<T> Send for SendPtr<T> {}

#[repr(C)]
pub struct IHttpContextCompletionVtbl {
    pub PostCompletion: unsafe extern "system" fn(*mut IHttpContext, u32) -> HRESULT,
    pub IndicateCompletion: unsafe extern "system" fn(*mut IHttpContext, REQUEST_NOTIFICATION_STATUS),
}

impl IHttpContext {
    pub unsafe fn post_completion(&mut self, cb: u32) -> HRESULT {
        unimplemented!()
    }
}

impl IHttpContext {
    pub unsafe fn clone_context(&mut self, flags: u32, child: *mut *mut IHttpContext) -> HRESULT {
        unimplemented!()
    }

    pub unsafe fn release_cloned_context(&mut self) -> HRESULT {
        unimplemented!()
    }
}

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

pub const HttpDataChunkFromMemory: i32 = 0;

#[repr(C)]
pub struct HTTP_DATA_CHUNK_FROM_MEMORY {
    pub pBuffer: *mut c_void,
    pub BufferLength: u32,
}

#[repr(C)]
pub struct HTTP_DATA_CHUNK {
    pub DataChunkType: i32,
    pub FromMemory: HTTP_DATA_CHUNK_FROM_MEMORY,
}

#[repr(C)]
pub struct IHttpResponseVtbl {
    pub WriteEntityChunkByReference:
        unsafe extern "system" fn(*mut IHttpResponse, *mut HTTP_DATA_CHUNK, i32) -> HRESULT,
    pub WriteEntityChunks: unsafe extern "system" fn(
        *mut IHttpResponse,
        *mut HTTP_DATA_CHUNK,
        u32,
        bool,
        bool,
        *mut u32,
        *mut bool,
    ) -> HRESULT,
}

impl IHttpContext {
    pub unsafe fn get_response(&mut self) -> *mut IHttpResponse {
        unsafe { ((*self.vtbl).GetResponse)(self) }
    }
}

impl IHttpResponse {
    pub unsafe fn write_entity_chunk_by_reference(&mut self, chunk: *mut HTTP_DATA_CHUNK, index: i32) -> HRESULT {
        unsafe { ((*(self.vtbl as *const IHttpResponseVtbl)).WriteEntityChunkByReference)(self, chunk, index) }
    }
}

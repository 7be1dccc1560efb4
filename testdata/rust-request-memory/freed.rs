// freed.rs - request memory and request data given back to an allocator that does not own it.
use std::ffi::CString;
use std::ptr::null_mut;

pub unsafe fn release_scratch(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let scratch = (*ctx).allocate_request_memory(64) as *mut u8;
    if scratch.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    drop(Box::from_raw(scratch));
    //~^ request-memory-freed
    let text = (*ctx).allocate_request_memory(16) as *mut std::ffi::c_char;
    if text.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    let _ = CString::from_raw(text);
    //~^ request-memory-freed
    let block = (*ctx).allocate_request_memory(32);
    if block.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    libc::free(block);
    //~^ request-memory-freed
    let bytes = (*ctx).allocate_request_memory(8) as *mut u8;
    if bytes.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    let v = Vec::from_raw_parts(bytes, 8, 8);
    //~^ request-memory-freed
    drop(v);
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn release_header(ctx: *mut IHttpContext) {
    let request = (*ctx).get_request();
    let host = (*request).get_header(c"Host".as_ptr() as *const u8, null_mut()) as *mut u8;
    std::alloc::dealloc(host, std::alloc::Layout::new::<u8>());
    //~^ request-memory-freed
}

pub unsafe fn views_and_own_memory(ctx: *mut IHttpContext) {
    let data = (*ctx).allocate_request_memory(16) as *mut u8;
    if data.is_null() {
        return;
    }
    let view = std::slice::from_raw_parts(data, 16);
    let copy: Vec<u8> = view.to_vec();
    drop(copy);
    let mine = Box::into_raw(Box::new([0u8; 16]));
    drop(Box::from_raw(mine));
    let owned = CString::new("x").unwrap().into_raw();
    drop(CString::from_raw(owned));
    let heap = libc::malloc(16);
    libc::free(heap);
}

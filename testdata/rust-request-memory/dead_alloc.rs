// dead_alloc.rs - allocations whose pointer is replaced or dropped before any use.
use std::ptr::null_mut;

pub unsafe fn replaced(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let mut value = (*ctx).allocate_request_memory(256) as *const u8;
    //~^ request-memory-dead-alloc
    if value.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    value = (*request).get_header(c"Accept".as_ptr() as *const u8, null_mut());
    drop(value);
    let _unused = (*ctx).allocate_request_memory(8);
    //~^ request-memory-dead-alloc
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn used(ctx: *mut IHttpContext) -> *mut u8 {
    let p = (*ctx).allocate_request_memory(8) as *mut u8;
    if p.is_null() {
        return null_mut();
    }
    *p = 0;
    let q = (*ctx).allocate_request_memory(8) as *mut u8;
    q
}

pub struct Pending {
    pub data: *mut u8,
}

pub unsafe fn scoped(ctx: *mut IHttpContext, flag: bool) -> Option<Pending> {
    if flag {
        let scratch = (*ctx).allocate_request_memory(32) as *mut u8;
        //~^ request-memory-dead-alloc
        if scratch.is_null() {
            return None;
        }
    }
    let kept = (*ctx).allocate_request_memory(32) as *mut u8;
    if kept.is_null() {
        return None;
    }
    let returned = (*ctx).allocate_request_memory(32) as *mut u8;
    if flag {
        return Some(Pending { data: kept });
    }
    Some(Pending { data: returned })
}

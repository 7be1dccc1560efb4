// unchecked.rs - request memory written before any NULL check; every way Rust spells a check.
use std::ptr::{self, NonNull};

pub unsafe fn unchecked_writes(ctx: *mut IHttpContext, src: &[u8]) -> REQUEST_NOTIFICATION_STATUS {
    let a = (*ctx).allocate_request_memory(16) as *mut u8;
    *a = 0;
    //~^ request-memory-unchecked
    let b = (*ctx).allocate_request_memory(16) as *mut u8;
    ptr::copy_nonoverlapping(src.as_ptr(), b, src.len());
    //~^ request-memory-unchecked
    let c = (*ctx).allocate_request_memory(16) as *mut u8;
    c.add(4).write(1);
    //~^ request-memory-unchecked
    let d = (*ctx).allocate_request_memory(16) as *mut u8;
    *d.add(1) = 2;
    //~^ request-memory-unchecked
    let e = (*ctx).allocate_request_memory(16) as *mut u8;
    libc::memcpy(e as *mut libc::c_void, src.as_ptr() as *const libc::c_void, 16);
    //~^ request-memory-unchecked
    let f = (*ctx).allocate_request_memory(16) as *mut u8;
    ptr::write_bytes(f, 0, 16);
    //~^ request-memory-unchecked
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn checked_writes(ctx: *mut IHttpContext) -> Option<()> {
    let a = (*ctx).allocate_request_memory(16) as *mut u8;
    if a.is_null() {
        return None;
    }
    *a = 0;
    let b = (*ctx).allocate_request_memory(16) as *mut u8;
    if !b.is_null() {
        *b = 0;
    }
    let c = (*ctx).allocate_request_memory(16) as *mut u8;
    if let Some(nn) = NonNull::new(c) {
        nn.as_ptr().write(1);
    }
    let d = (*ctx).allocate_request_memory(16) as *mut u8;
    let Some(dd) = NonNull::new(d) else {
        return None;
    };
    *dd.as_ptr() = 2;
    let e = NonNull::new((*ctx).allocate_request_memory(16) as *mut u8)?;
    *e.as_ptr() = 3;
    let f = (*ctx).allocate_request_memory(16) as *mut u8;
    match f.as_mut() {
        Some(byte) => *byte = 4,
        None => return None,
    }
    let g = (*ctx).allocate_request_memory(16) as *mut u8;
    assert!(!g.is_null(), "out of request memory");
    *g = 5;
    let h = (*ctx).allocate_request_memory(16) as *mut u8;
    if h == ptr::null_mut() {
        return None;
    }
    *h = 6;
    let i = NonNull::new((*ctx).allocate_request_memory(16) as *mut u8).unwrap();
    *i.as_ptr() = 7;
    let j = (*ctx).allocate_request_memory(16) as *mut u8;
    *j.as_mut().expect("out of request memory") = 8;
    Some(())
}

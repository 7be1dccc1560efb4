//! Leaked objects live for the rest of the process: request memory kept in one outlives the
//! request.

use std::ffi::c_void;

#[repr(C)]
pub struct IHttpContextVtbl {
    pub AllocateRequestMemory: unsafe extern "system" fn(*mut IHttpContext, u32) -> *mut c_void,
}

#[repr(C)]
pub struct IHttpContext {
    pub vtbl: *const IHttpContextVtbl,
}

pub struct Registry {
    pub last: *mut u8,
    pub hits: u32,
}

pub struct Holder {
    pub buf: *mut u8,
}

pub unsafe fn keep_in_leaked_registry(ctx: *mut IHttpContext) {
    let p = ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, 16) as *mut u8;
    if p.is_null() {
        return;
    }
    let reg: &'static mut Registry = Box::leak(Box::new(Registry {
        last: std::ptr::null_mut(),
        hits: 0,
    }));
    reg.hits += 1; // a number: fine
    reg.last = p;
    //~^ request-scope-escape-long-lived
}

pub unsafe fn forget_holder(ctx: *mut IHttpContext) {
    let p = ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, 16) as *mut u8;
    if p.is_null() {
        return;
    }
    let holder = Box::new(Holder { buf: p });
    std::mem::forget(holder);
    //~^ request-scope-escape-long-lived
}

pub unsafe fn forget_owned_copy(ctx: *mut IHttpContext) {
    let p = ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, 16) as *mut u8;
    if p.is_null() {
        return;
    }
    p.write(0);
    let copy: Vec<u8> = std::slice::from_raw_parts(p, 16).to_vec(); // a copy: fine
    std::mem::forget(copy);
    let local = Box::new(Holder { buf: p }); // dropped at the end of the request: fine
    drop(local);
}

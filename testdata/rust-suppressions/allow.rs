// allow.rs - allow-comments work in Rust as in C++; one that silences nothing is reported.
use std::ptr::null_mut;

static mut LAST: *mut u8 = null_mut();
static mut PREVIOUS: *mut u8 = null_mut();
static mut OLDEST: *mut u8 = null_mut();

pub unsafe fn remember(ctx: *mut IHttpContext) {
    let p = (*ctx).allocate_request_memory(8) as *mut u8;
    if p.is_null() {
        return;
    }
    // iislint: allow(request-scope-escape-static) cleared in on_end_request before IIS frees it
    LAST = p;
    PREVIOUS = p; // iislint: allow(request-scope-escape-static) same lifetime as LAST
    /* iislint: allow(request-scope-escape-static) block comments work too */
    OLDEST = p;
    // iislint: allow(request-memory-freed) nothing is freed here
    //~^ unused-suppression
    LAST = null_mut();
    OLDEST = p;
    //~^ request-scope-escape-static
}

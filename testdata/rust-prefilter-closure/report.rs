// Nothing here names the IIS API, but it keeps what `scratch` (handler.rs) returns.
use crate::handler::scratch;

static mut REPORT: *mut u8 = std::ptr::null_mut();

pub unsafe fn report(ctx: *mut std::ffi::c_void) {
    REPORT = scratch(ctx.cast());
    //~^ request-scope-escape-static
}

// Nothing here names the IIS API; handler.rs passes request memory to `remember`.
static mut LAST: *mut u8 = std::ptr::null_mut();
static mut COUNT: u32 = 0;

pub unsafe fn remember(p: *mut u8) {
    LAST = p;
    //~^ request-scope-escape-static
    COUNT += 1;
}

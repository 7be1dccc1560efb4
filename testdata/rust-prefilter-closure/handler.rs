// The only file of this project that names the IIS API (`allocate_request_memory`).
use crate::keep::remember;

pub unsafe fn on_begin_request(ctx: *mut IHttpContext) -> u32 {
    let p = (*ctx).allocate_request_memory(32) as *mut u8;
    if p.is_null() {
        return 2;
    }
    // `remember` is defined in keep.rs, which names nothing of the API.
    remember(p);
    0
}

// Hands request memory to its callers: report.rs calls it.
pub unsafe fn scratch(ctx: *mut IHttpContext) -> *mut u8 {
    (*ctx).allocate_request_memory(8) as *mut u8
}

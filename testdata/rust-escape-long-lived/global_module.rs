// global_module.rs - a global module laid out for IIS by hand (`CGlobalModule` first), and one
// implemented through a trait: both live as long as the worker process.
use std::ptr::null_mut;

#[repr(C)]
pub struct TraceGlobal {
    base: CGlobalModule,
    last_url: *const u8,
    last_context: *mut IHttpContext,
    hits: u64,
    history: Vec<*mut u8>,
}

pub type GLOBAL_NOTIFICATION_STATUS = i32;
pub const GL_NOTIFICATION_CONTINUE: GLOBAL_NOTIFICATION_STATUS = 0;

pub unsafe extern "system" fn trace_pre_begin_request(
    this: *mut TraceGlobal,
    ctx: *mut IHttpContext,
) -> GLOBAL_NOTIFICATION_STATUS {
    let url = (*ctx).allocate_request_memory(512) as *mut u8;
    if url.is_null() {
        return GL_NOTIFICATION_CONTINUE;
    }
    (*this).last_url = url;
    //~^ request-scope-escape-long-lived
    (*this).last_context = ctx;
    //~^ request-scope-escape-long-lived
    (*this).history.push(url);
    //~^ request-scope-escape-long-lived
    (*this).hits += 1;
    GL_NOTIFICATION_CONTINUE
}

pub struct AuditGlobal {
    last_scratch: *mut u8,
    count: u32,
}

impl GlobalModule for AuditGlobal {
    fn terminate(&mut self) {}
}

impl AuditGlobal {
    pub unsafe fn on_global_authenticate(&mut self, ctx: *mut IHttpContext) -> GLOBAL_NOTIFICATION_STATUS {
        let scratch = (*ctx).allocate_request_memory(64) as *mut u8;
        if scratch.is_null() {
            return GL_NOTIFICATION_CONTINUE;
        }
        self.last_scratch = scratch;
        //~^ request-scope-escape-long-lived
        self.count += 1;
        // A closure's assignments go to the enclosing function's locals, not to members.
        let mut spare = null_mut();
        let mut refill = || spare = (*ctx).allocate_request_memory(16);
        refill();
        drop(spare);
        let copy = std::slice::from_raw_parts(scratch, 64).to_vec();
        drop(copy);
        self.last_scratch = null_mut();
        GL_NOTIFICATION_CONTINUE
    }
}

#[repr(C)]
pub struct CGlobalModuleVtbl {
    pub OnGlobalPreBeginRequest:
        unsafe extern "system" fn(*mut CacheGlobal, *mut IHttpContext) -> GLOBAL_NOTIFICATION_STATUS,
}

/// Laid out with its own vtable pointer first, as `CGlobalModule` is.
#[repr(C)]
pub struct CacheGlobal {
    vtbl: *const CGlobalModuleVtbl,
    last_request: *mut IHttpRequest,
}

pub unsafe extern "system" fn cache_pre_begin_request(
    this: *mut CacheGlobal,
    ctx: *mut IHttpContext,
) -> GLOBAL_NOTIFICATION_STATUS {
    let global = &mut *this;
    global.last_request = (*ctx).get_request();
    //~^ request-scope-escape-long-lived
    GL_NOTIFICATION_CONTINUE
}

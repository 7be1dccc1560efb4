// factory_and_registry.rs - the module factory, an object reached through a static pointer, and
// the per-request module whose members die with the request.
use std::ptr::null_mut;

pub struct Factory {
    last_context: *mut IHttpContext,
    created: u32,
}

impl IHttpModuleFactory for Factory {
    unsafe fn get_http_module(&mut self) -> *mut std::ffi::c_void {
        self.created += 1;
        null_mut()
    }
}

pub struct Registry {
    newest: *mut u8,
    count: u32,
}

static mut REGISTRY: *mut Registry = null_mut();

pub struct RequestModule {
    factory: *mut Factory,
    scratch: *mut u8,
    context: *mut IHttpContext,
}

impl HttpModule for RequestModule {
    unsafe fn on_begin_request(&mut self, ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
        let p = (*ctx).allocate_request_memory(32) as *mut u8;
        if p.is_null() {
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        (*self.factory).last_context = ctx;
        //~^ request-scope-escape-long-lived
        (*REGISTRY).newest = p;
        //~^ request-scope-escape-long-lived
        (*REGISTRY).count += 1;
        self.scratch = p;
        self.context = ctx;
        RQ_NOTIFICATION_CONTINUE
    }
}

pub unsafe fn attach(factory: &mut Factory, ctx: *mut IHttpContext) {
    factory.last_context = ctx;
    //~^ request-scope-escape-long-lived
}

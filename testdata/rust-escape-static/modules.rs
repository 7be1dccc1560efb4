// modules.rs - statics declared in nested modules and reached by path; every store is in the
// function that allocates.
use std::ptr::null_mut;

pub mod state {
    use std::ptr::null_mut;

    pub static mut LAST_URL: *const u8 = null_mut();

    pub mod cache {
        pub static mut SLOT: *mut u8 = std::ptr::null_mut();
        pub static mut HITS: u64 = 0;
    }
}

pub mod handlers {
    use super::state;

    pub unsafe fn remember(ctx: *mut crate::IHttpContext) -> crate::REQUEST_NOTIFICATION_STATUS {
        let p = (*ctx).allocate_request_memory(32) as *mut u8;
        if p.is_null() {
            return crate::RQ_NOTIFICATION_FINISH_REQUEST;
        }
        state::cache::SLOT = p;
        //~^ request-scope-escape-static
        crate::state::LAST_URL = p.add(4);
        //~^ request-scope-escape-static
        super::state::cache::HITS += 1;
        crate::RQ_NOTIFICATION_CONTINUE
    }

    pub mod nested {
        pub unsafe fn forget(ctx: *mut crate::IHttpContext) {
            let p = (*ctx).allocate_request_memory(8) as *mut u8;
            if p.is_null() {
                return;
            }
            super::super::state::cache::SLOT = p;
            //~^ request-scope-escape-static
            *p = 0;
            super::super::state::cache::SLOT = std::ptr::null_mut();
        }
    }
}

pub unsafe fn reset() {
    state::cache::SLOT = null_mut();
    state::LAST_URL = null_mut();
}

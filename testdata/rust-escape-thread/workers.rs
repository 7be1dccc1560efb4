// workers.rs - request values handed to threads, thread pools, async tasks and channels from
// notifications that do not pend.
use std::sync::mpsc::{self, Sender};
use std::thread;

pub struct AuditModule {
    queue: Sender<SendPtr<u8>>,
}

impl AuditModule {
    pub unsafe fn on_begin_request(&mut self, ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
        let context = SendPtr(ctx);
        thread::spawn(move || {
        //~^ request-scope-escape-thread
            let c = context;
            (*c.0).indicate_completion(RQ_NOTIFICATION_CONTINUE);
        });
        RQ_NOTIFICATION_CONTINUE
    }

    pub unsafe fn on_authenticate(&mut self, ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
        let body = (*ctx).allocate_request_memory(128) as *mut u8;
        if body.is_null() {
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        let shared = SendPtr(body);
        let handle = thread::Builder::new().name("audit".into()).spawn(move || {
        //~^ request-scope-escape-thread
            let b = shared;
            *b.0 = 0;
        });
        drop(handle);
        self.queue.send(SendPtr(body)).unwrap();
        //~^ request-scope-escape-thread
        RQ_NOTIFICATION_CONTINUE
    }

    pub unsafe fn on_authorize(&mut self, ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
        let request = SendPtr((*ctx).get_request());
        rayon::spawn(move || drop(request));
        //~^ request-scope-escape-thread
        let (tx, rx) = mpsc::channel();
        tx.send(SendPtr(ctx)).expect("worker gone");
        //~^ request-scope-escape-thread
        drop(rx);
        RQ_NOTIFICATION_FINISH_REQUEST
    }

    pub unsafe fn on_map_request_handler(&mut self, ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
        let context = SendPtr(ctx);
        if ctx.is_null() {
            return RQ_NOTIFICATION_CONTINUE;
        }
        tokio::spawn(async move {
        //~^ request-scope-escape-thread
            let c = context;
            drop(c);
        });
        tokio::task::spawn_blocking(move || {
            let c = SendPtr(ctx);
            drop(c);
        });
        //~^^^^ request-scope-escape-thread
        RQ_NOTIFICATION_CONTINUE
    }
}

pub struct ThrottleGlobal {
    pool: rayon::ThreadPool,
}

impl ThrottleGlobal {
    pub unsafe fn on_global_pre_begin_request(&mut self, ctx: *mut IHttpContext) -> GLOBAL_NOTIFICATION_STATUS {
        let context = SendPtr(ctx);
        self.pool.spawn(move || drop(context));
        //~^ request-scope-escape-thread
        GL_NOTIFICATION_CONTINUE
    }
}

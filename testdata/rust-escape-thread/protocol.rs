// protocol.rs - hand-offs that follow the asynchronous protocol (PENDING on every path where
// the hand-off succeeded), copies the worker owns, and scoped threads joined before returning.
use std::thread;

pub unsafe fn on_send_response(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let context = SendPtr(ctx);
    thread::spawn(move || {
        let c = context;
        (*c.0).indicate_completion(RQ_NOTIFICATION_CONTINUE);
    });
    RQ_NOTIFICATION_PENDING
}

pub unsafe fn on_read_entity(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let context = SendPtr(ctx);
    match thread::Builder::new().spawn(move || drop(context)) {
        Ok(_) => RQ_NOTIFICATION_PENDING,
        Err(_) => RQ_NOTIFICATION_FINISH_REQUEST,
    }
}

pub unsafe fn on_pre_execute(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let context = SendPtr(ctx);
    let started = thread::Builder::new().spawn(move || drop(context));
    if started.is_err() {
        return RQ_NOTIFICATION_CONTINUE;
    }
    RQ_NOTIFICATION_PENDING
}

pub unsafe fn on_execute(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let context = SendPtr(ctx);
    thread::Builder::new().spawn(move || drop(context)).ok()?;
    RQ_NOTIFICATION_PENDING
}

pub unsafe fn on_log(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let body = (*ctx).allocate_request_memory(64) as *mut u8;
    if body.is_null() {
        return RQ_NOTIFICATION_CONTINUE;
    }
    let copy = std::slice::from_raw_parts(body, 64).to_vec();
    thread::spawn(move || drop(copy));
    let owned = String::from_utf8_lossy(std::slice::from_raw_parts(body, 64)).into_owned();
    rayon::spawn(move || println!("{owned}"));
    thread::scope(|scope| {
        scope.spawn(|| *body = 1);
        scope.spawn(|| *body.add(1) = 2);
    });
    RQ_NOTIFICATION_CONTINUE
}

/// Not a notification: whether its caller pends is not known here.
pub unsafe fn start_worker(ctx: *mut IHttpContext) {
    let context = SendPtr(ctx);
    thread::spawn(move || drop(context));
}

#[repr(i32)]
pub enum RequestNotificationStatus {
    Continue = 1,
    Pending = 2,
    FinishRequest = 3,
}

/// The binding layer's enum spelling of the statuses.
pub unsafe fn on_acquire_state(ctx: *mut IHttpContext) -> RequestNotificationStatus {
    let context = SendPtr(ctx);
    if thread::Builder::new().spawn(move || drop(context)).is_ok() {
        RequestNotificationStatus::Pending
    } else {
        RequestNotificationStatus::FinishRequest
    }
}

pub unsafe fn on_release_state(ctx: *mut IHttpContext) -> RequestNotificationStatus {
    let context = SendPtr(ctx);
    thread::spawn(move || drop(context));
    //~^ request-scope-escape-thread
    RequestNotificationStatus::Continue
}

/// The whole notification runs inside `catch_unwind`: its closure's value is the function's.
pub unsafe fn on_update_cache(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let context = SendPtr(ctx);
        thread::spawn(move || drop(context));
        RQ_NOTIFICATION_PENDING
    }))
    .unwrap_or(RQ_NOTIFICATION_FINISH_REQUEST)
}

pub unsafe fn on_release_cache(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let status = std::panic::catch_unwind(|| {
        let context = SendPtr(ctx);
        thread::spawn(move || drop(context));
        //~^ request-scope-escape-thread
        RQ_NOTIFICATION_CONTINUE
    });
    status.unwrap_or(RQ_NOTIFICATION_FINISH_REQUEST)
}

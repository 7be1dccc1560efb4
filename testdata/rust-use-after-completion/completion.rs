// completion.rs - the request object and what it handed out, used after the request was
// completed on the same path.
use std::ptr::null_mut;

pub unsafe fn finish_then_log(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let body = (*ctx).allocate_request_memory(32) as *mut u8;
    if body.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    (*ctx).post_completion(0);
    *body = 0;
    //~^ use-after-completion
    RQ_NOTIFICATION_PENDING
}

pub unsafe fn complete_twice(ctx: *mut IHttpContext, failed: bool) {
    if failed {
        (*ctx).indicate_completion(RQ_NOTIFICATION_FINISH_REQUEST);
    }
    (*ctx).indicate_completion(RQ_NOTIFICATION_CONTINUE);
    //~^ use-after-completion
}

pub unsafe fn worker(raw: SendPtr<IHttpContext>) {
    let ctx: *mut IHttpContext = raw.0;
    let request = (*ctx).get_request();
    (*ctx).indicate_completion(RQ_NOTIFICATION_CONTINUE);
    let header = (*request).get_header(c"Host".as_ptr() as *const u8, null_mut());
    //~^ use-after-completion
    drop(header);
}

pub unsafe fn through_the_vtable(ctx: *mut IHttpContext) {
    let table = (*ctx).vtbl as *const IHttpContextCompletionVtbl;
    ((*table).IndicateCompletion)(ctx, RQ_NOTIFICATION_CONTINUE);
    let again = (*ctx).get_request();
    //~^ use-after-completion
    drop(again);
}

pub unsafe fn last_touch(ctx: *mut IHttpContext) {
    let request = (*ctx).get_request();
    let header = (*request).get_header(c"Host".as_ptr() as *const u8, null_mut());
    let owned = std::ffi::CStr::from_ptr(header as *const i8).to_owned();
    (*ctx).indicate_completion(RQ_NOTIFICATION_CONTINUE);
    println!("{owned:?}");
}

pub unsafe fn completion_on_one_branch(ctx: *mut IHttpContext, done: bool) {
    if done {
        (*ctx).indicate_completion(RQ_NOTIFICATION_CONTINUE);
        return;
    }
    let request = (*ctx).get_request();
    drop(request);
}

pub unsafe fn child_request(ctx: *mut IHttpContext) -> HRESULT {
    let mut child: *mut IHttpContext = null_mut();
    let hr = (*ctx).clone_context(0, &mut child);
    if hr < 0 || child.is_null() {
        return hr;
    }
    (*child).release_cloned_context();
    let request = (*child).get_request();
    //~^ use-after-completion
    drop(request);
    let parent_request = (*ctx).get_request();
    drop(parent_request);
    0
}

pub unsafe fn complete_on_each_branch(ctx: *mut IHttpContext, ok: bool) -> REQUEST_NOTIFICATION_STATUS {
    if ok {
        (*ctx).post_completion(0);
        return RQ_NOTIFICATION_PENDING;
    }
    (*ctx).indicate_completion(RQ_NOTIFICATION_FINISH_REQUEST);
    RQ_NOTIFICATION_PENDING
}

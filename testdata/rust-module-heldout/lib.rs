//! `reqguard` — IIS native module: request auditing, cache-key normalisation,
//! body signature scanning and an async statistics endpoint.
//!
//! Registered under <globalModules> in applicationHost.config; IIS calls
//! `RegisterModule` once per worker process.

#![allow(non_snake_case, clippy::missing_safety_doc)]

mod ffi;
mod handlers;
mod state;
mod worker;
mod wrap;

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use ffi::*;
use handlers::RequestModule;

/// Server interface handed to RegisterModule; valid for the life of the worker process.
pub static mut SERVER: *mut IHttpServer = ptr::null_mut();

static FACTORY: AtomicPtr<ModuleFactory> = AtomicPtr::new(ptr::null_mut());

#[repr(C)]
struct ModuleObject {
    vtbl: *const CHttpModuleVtbl,
    inner: RequestModule,
}

#[repr(C)]
struct ModuleFactory {
    vtbl: *const IHttpModuleFactoryVtbl,
    created: AtomicU64,
}

mod thunks {
    use super::*;

    unsafe fn module<'a>(this: *mut CHttpModule) -> &'a mut RequestModule {
        &mut (*(this as *mut ModuleObject)).inner
    }

    pub unsafe extern "system" fn passthrough(_: *mut CHttpModule, _: *mut IHttpContext, _: *mut IHttpEventProvider) -> RequestNotificationStatus {
        RequestNotificationStatus::Continue
    }
    pub unsafe extern "system" fn begin_request(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_begin_request(ctx, p)
    }
    pub unsafe extern "system" fn authenticate_request(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_authenticate_request(ctx, p)
    }
    pub unsafe extern "system" fn authorize_request(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_authorize_request(ctx, p)
    }
    pub unsafe extern "system" fn resolve_request_cache(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_resolve_request_cache(ctx, p)
    }
    pub unsafe extern "system" fn acquire_request_state(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_acquire_request_state(ctx, p)
    }
    pub unsafe extern "system" fn pre_execute_request_handler(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_pre_execute_request_handler(ctx, p)
    }
    pub unsafe extern "system" fn execute_request_handler(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_execute_request_handler(ctx, p)
    }
    pub unsafe extern "system" fn release_request_state(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_release_request_state(ctx, p)
    }
    pub unsafe extern "system" fn update_request_cache(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_update_request_cache(ctx, p)
    }
    pub unsafe extern "system" fn log_request(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_log_request(ctx, p)
    }
    pub unsafe extern "system" fn end_request(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut IHttpEventProvider) -> RequestNotificationStatus {
        module(this).on_end_request(ctx, p)
    }
    pub unsafe extern "system" fn send_response(this: *mut CHttpModule, ctx: *mut IHttpContext, p: *mut ISendResponseProvider) -> RequestNotificationStatus {
        module(this).on_send_response(ctx, p)
    }
    pub unsafe extern "system" fn async_completion(
        this: *mut CHttpModule,
        ctx: *mut IHttpContext,
        notification: DWORD,
        post: BOOL,
        p: *mut IHttpEventProvider,
        info: *mut IHttpCompletionInfo,
    ) -> RequestNotificationStatus {
        module(this).on_async_completion(ctx, notification, post, p, info)
    }
    pub unsafe extern "system" fn dispose(this: *mut CHttpModule) {
        drop(Box::from_raw(this as *mut ModuleObject));
    }

    pub unsafe extern "system" fn get_http_module(this: *mut IHttpModuleFactory, out: *mut *mut CHttpModule, _allocator: *mut c_void) -> HRESULT {
        if out.is_null() {
            return E_INVALIDARG;
        }
        (*(this as *mut ModuleFactory)).created.fetch_add(1, Ordering::Relaxed);
        let obj = Box::new(ModuleObject { vtbl: &MODULE_VTBL, inner: RequestModule::new() });
        *out = Box::into_raw(obj) as *mut CHttpModule;
        S_OK
    }

    pub unsafe extern "system" fn terminate(this: *mut IHttpModuleFactory) {
        let f = FACTORY.swap(ptr::null_mut(), Ordering::AcqRel);
        debug_assert!(f.is_null() || f as *mut IHttpModuleFactory == this);
        if !f.is_null() {
            drop(Box::from_raw(f));
        }
    }
}

static MODULE_VTBL: CHttpModuleVtbl = CHttpModuleVtbl {
    OnBeginRequest: thunks::begin_request,
    OnPostBeginRequest: thunks::passthrough,
    OnAuthenticateRequest: thunks::authenticate_request,
    OnPostAuthenticateRequest: thunks::passthrough,
    OnAuthorizeRequest: thunks::authorize_request,
    OnPostAuthorizeRequest: thunks::passthrough,
    OnResolveRequestCache: thunks::resolve_request_cache,
    OnPostResolveRequestCache: thunks::passthrough,
    OnMapRequestHandler: thunks::passthrough,
    OnPostMapRequestHandler: thunks::passthrough,
    OnAcquireRequestState: thunks::acquire_request_state,
    OnPostAcquireRequestState: thunks::passthrough,
    OnPreExecuteRequestHandler: thunks::pre_execute_request_handler,
    OnPostPreExecuteRequestHandler: thunks::passthrough,
    OnExecuteRequestHandler: thunks::execute_request_handler,
    OnPostExecuteRequestHandler: thunks::passthrough,
    OnReleaseRequestState: thunks::release_request_state,
    OnPostReleaseRequestState: thunks::passthrough,
    OnUpdateRequestCache: thunks::update_request_cache,
    OnPostUpdateRequestCache: thunks::passthrough,
    OnLogRequest: thunks::log_request,
    OnPostLogRequest: thunks::passthrough,
    OnEndRequest: thunks::end_request,
    OnPostEndRequest: thunks::passthrough,
    OnSendResponse: thunks::send_response,
    OnMapPath: 0,
    OnReadEntity: 0,
    OnCustomRequestNotification: 0,
    OnAsyncCompletion: thunks::async_completion,
    Dispose: thunks::dispose,
};

static FACTORY_VTBL: IHttpModuleFactoryVtbl = IHttpModuleFactoryVtbl {
    GetHttpModule: thunks::get_http_module,
    Terminate: thunks::terminate,
};

#[no_mangle]
pub unsafe extern "system" fn RegisterModule(
    server_version: DWORD,
    info: *mut IHttpModuleRegistrationInfo,
    server: *mut IHttpServer,
) -> HRESULT {
    if info.is_null() || server.is_null() {
        return E_INVALIDARG;
    }
    if server_version < 7 {
        return E_FAIL;
    }
    SERVER = server;
    state::init();

    let factory = Box::into_raw(Box::new(ModuleFactory { vtbl: &FACTORY_VTBL, created: AtomicU64::new(0) }));
    FACTORY.store(factory, Ordering::SeqCst);

    let notifications = RQ_BEGIN_REQUEST
        | RQ_AUTHENTICATE_REQUEST
        | RQ_AUTHORIZE_REQUEST
        | RQ_RESOLVE_REQUEST_CACHE
        | RQ_ACQUIRE_REQUEST_STATE
        | RQ_PRE_EXECUTE_REQUEST_HANDLER
        | RQ_EXECUTE_REQUEST_HANDLER
        | RQ_RELEASE_REQUEST_STATE
        | RQ_UPDATE_REQUEST_CACHE
        | RQ_LOG_REQUEST
        | RQ_END_REQUEST
        | RQ_SEND_RESPONSE;
    let hr = ((*(*info).vtbl).SetRequestNotifications)(info, factory as *mut IHttpModuleFactory, notifications, 0);
    if hr < 0 {
        FACTORY.store(ptr::null_mut(), Ordering::SeqCst);
        drop(Box::from_raw(factory));
        return hr;
    }
    S_OK
}

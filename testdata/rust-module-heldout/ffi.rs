//! Hand-written bindings for the slice of `httpserv.h` (IIS 7+ SDK) that this
//! module uses.  MSVC lays an interface out as a pointer to a table of
//! function pointers in declaration order; slots we never call are kept as
//! `usize` padding so the offsets of the ones we do call stay correct.
//!
//! Keep this file in sync with the SDK header when adding a call.

#![allow(non_snake_case, non_camel_case_types, dead_code)]

use std::ffi::c_void;
use std::os::raw::c_char;

pub type HRESULT = i32;
pub type DWORD = u32;
pub type BOOL = i32;
pub type USHORT = u16;
pub type PCSTR = *const c_char;
pub type PCWSTR = *const u16;

pub const S_OK: HRESULT = 0;
pub const E_FAIL: HRESULT = 0x8000_4005_u32 as i32;
pub const E_INVALIDARG: HRESULT = 0x8007_0057_u32 as i32;
pub const E_OUTOFMEMORY: HRESULT = 0x8007_000E_u32 as i32;
pub const TRUE: BOOL = 1;
pub const FALSE: BOOL = 0;

// Request notification bits (RQ_*).
pub const RQ_BEGIN_REQUEST: DWORD = 0x0000_0001;
pub const RQ_AUTHENTICATE_REQUEST: DWORD = 0x0000_0002;
pub const RQ_AUTHORIZE_REQUEST: DWORD = 0x0000_0004;
pub const RQ_RESOLVE_REQUEST_CACHE: DWORD = 0x0000_0008;
pub const RQ_MAP_REQUEST_HANDLER: DWORD = 0x0000_0010;
pub const RQ_ACQUIRE_REQUEST_STATE: DWORD = 0x0000_0020;
pub const RQ_PRE_EXECUTE_REQUEST_HANDLER: DWORD = 0x0000_0040;
pub const RQ_EXECUTE_REQUEST_HANDLER: DWORD = 0x0000_0080;
pub const RQ_RELEASE_REQUEST_STATE: DWORD = 0x0000_0100;
pub const RQ_UPDATE_REQUEST_CACHE: DWORD = 0x0000_0200;
pub const RQ_LOG_REQUEST: DWORD = 0x0000_0400;
pub const RQ_END_REQUEST: DWORD = 0x0000_0800;
pub const RQ_SEND_RESPONSE: DWORD = 0x2000_0000;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestNotificationStatus {
    Continue = 1,
    Pending = 2,
    FinishRequest = 3,
}

// ------------------------------------------------------------------ IHttpContext

#[repr(C)]
pub struct IHttpContextVtbl {
    pub GetSite: usize,
    pub GetApplication: usize,
    pub GetConnection: usize,
    pub GetRequest: unsafe extern "system" fn(*mut IHttpContext) -> *mut IHttpRequest,
    pub GetResponse: unsafe extern "system" fn(*mut IHttpContext) -> *mut IHttpResponse,
    pub GetResponseHeadersSent: unsafe extern "system" fn(*mut IHttpContext) -> BOOL,
    pub GetUser: usize,
    pub GetModuleContextContainer: usize,
    pub IndicateCompletion: unsafe extern "system" fn(*mut IHttpContext, RequestNotificationStatus),
    pub PostCompletion: unsafe extern "system" fn(*mut IHttpContext, u32) -> HRESULT,
    pub DisableNotifications: unsafe extern "system" fn(*mut IHttpContext, u32, u32),
    _slots_11_14: [usize; 4], // GetNextNotification .. GetExecuteFlags
    pub GetServerVariable: unsafe extern "system" fn(*mut IHttpContext, PCSTR, *mut PCSTR, *mut DWORD) -> HRESULT,
    _slot_16: usize, // GetServerVariable(PCSTR, PCWSTR*, DWORD*)
    pub SetServerVariable: usize,
    pub AllocateRequestMemory: unsafe extern "system" fn(*mut IHttpContext, u32) -> *mut c_void,
    _slots_19_24: [usize; 6], // GetUrlInfo .. GetScriptMap
    pub SetRequestHandled: unsafe extern "system" fn(*mut IHttpContext),
    _slots_26_38: [usize; 13], // GetFileInfo .. GetExtendedInterface
}

#[repr(C)]
pub struct IHttpContext {
    pub vtbl: *const IHttpContextVtbl,
}

// ------------------------------------------------------------------ IHttpRequest

#[repr(C)]
pub struct IHttpRequestVtbl {
    pub GetRawHttpRequest: unsafe extern "system" fn(*mut IHttpRequest) -> *mut HTTP_REQUEST,
    _slot_1: usize, // GetRawHttpRequest() const
    pub GetHeader: unsafe extern "system" fn(*mut IHttpRequest, PCSTR, *mut USHORT) -> PCSTR,
    _slot_3: usize, // GetHeader(HTTP_HEADER_ID, USHORT*)
    pub SetHeader: unsafe extern "system" fn(*mut IHttpRequest, PCSTR, PCSTR, USHORT, BOOL) -> HRESULT,
    _slot_5: usize,
    pub DeleteHeader: unsafe extern "system" fn(*mut IHttpRequest, PCSTR) -> HRESULT,
    _slot_7: usize,
    pub GetHttpMethod: unsafe extern "system" fn(*mut IHttpRequest) -> PCSTR,
    pub SetHttpMethod: usize,
    pub SetUrl: unsafe extern "system" fn(*mut IHttpRequest, PCSTR, DWORD, BOOL) -> HRESULT,
    _slots_11_15: [usize; 5], // SetUrl(PCWSTR) .. GetRemoteAddress
    pub ReadEntityBody: unsafe extern "system" fn(*mut IHttpRequest, *mut c_void, DWORD, BOOL, *mut DWORD, *mut BOOL) -> HRESULT,
    pub InsertEntityBody: unsafe extern "system" fn(*mut IHttpRequest, *mut c_void, DWORD, DWORD) -> HRESULT,
    pub GetRemainingEntityBytes: unsafe extern "system" fn(*mut IHttpRequest) -> DWORD,
    _slots_19_23: [usize; 5], // GetHttpVersion .. GetHeaderChanges
}

#[repr(C)]
pub struct IHttpRequest {
    pub vtbl: *const IHttpRequestVtbl,
}

/// Leading fields of `HTTP_REQUEST_V1`.  We only ever hold it by pointer, so
/// the tail (headers, entity chunks, SSL info) is left out.
#[repr(C)]
pub struct HTTP_REQUEST {
    pub Flags: u32,
    pub ConnectionId: u64,
    pub RequestId: u64,
    pub UrlContext: u64,
    pub MajorVersion: u16,
    pub MinorVersion: u16,
    pub Verb: i32,
    pub UnknownVerbLength: u16,
    pub RawUrlLength: u16,
    pub pUnknownVerb: PCSTR,
    pub pRawUrl: PCSTR,
}

// ----------------------------------------------------------------- IHttpResponse

#[repr(C)]
pub struct IHttpResponseVtbl {
    _slots_0_2: [usize; 3], // GetRawHttpResponse x2, GetCachePolicy
    pub SetStatus: unsafe extern "system" fn(*mut IHttpResponse, USHORT, PCSTR, USHORT, HRESULT, *mut c_void, BOOL) -> HRESULT,
    pub SetHeader: unsafe extern "system" fn(*mut IHttpResponse, PCSTR, PCSTR, USHORT, BOOL) -> HRESULT,
    _slots_5_9: [usize; 5], // SetHeader(ID) .. GetHeader(ID)
    pub Clear: unsafe extern "system" fn(*mut IHttpResponse),
    _slots_11_20: [usize; 10], // ClearHeaders .. WriteEntityChunkByReference
    pub WriteEntityChunks: unsafe extern "system" fn(*mut IHttpResponse, *mut HTTP_DATA_CHUNK, DWORD, BOOL, BOOL, *mut DWORD, *mut BOOL) -> HRESULT,
}

#[repr(C)]
pub struct IHttpResponse {
    pub vtbl: *const IHttpResponseVtbl,
}

/// `HTTP_DATA_CHUNK` restricted to the `HttpDataChunkFromMemory` arm.
#[repr(C)]
pub struct HTTP_DATA_CHUNK {
    pub DataChunkType: i32,
    pub pBuffer: *mut c_void,
    pub BufferLength: u32,
    _union_tail: [u64; 2],
}

impl HTTP_DATA_CHUNK {
    pub fn from_memory(buffer: *mut c_void, length: u32) -> Self {
        HTTP_DATA_CHUNK { DataChunkType: 0, pBuffer: buffer, BufferLength: length, _union_tail: [0; 2] }
    }
}

// ------------------------------------------------------------ providers, server

#[repr(C)]
pub struct IHttpEventProviderVtbl {
    pub SetErrorStatus: unsafe extern "system" fn(*mut IHttpEventProvider, HRESULT),
}

#[repr(C)]
pub struct IHttpEventProvider {
    pub vtbl: *const IHttpEventProviderVtbl,
}

#[repr(C)]
pub struct ISendResponseProviderVtbl {
    pub SetErrorStatus: unsafe extern "system" fn(*mut ISendResponseProvider, HRESULT),
    _slots_1_6: [usize; 6], // GetHeadersBeingSent .. GetReadyToLogData
}

#[repr(C)]
pub struct ISendResponseProvider {
    pub vtbl: *const ISendResponseProviderVtbl,
}

#[repr(C)]
pub struct IHttpCompletionInfoVtbl {
    pub GetCompletionBytes: unsafe extern "system" fn(*mut IHttpCompletionInfo) -> DWORD,
    pub GetCompletionStatus: unsafe extern "system" fn(*mut IHttpCompletionInfo) -> HRESULT,
}

#[repr(C)]
pub struct IHttpCompletionInfo {
    pub vtbl: *const IHttpCompletionInfoVtbl,
}

#[repr(C)]
pub struct IHttpServerVtbl {
    pub IsCommandLineLaunch: unsafe extern "system" fn(*mut IHttpServer) -> BOOL,
    pub GetAppPoolName: unsafe extern "system" fn(*mut IHttpServer) -> PCWSTR,
}

#[repr(C)]
pub struct IHttpServer {
    pub vtbl: *const IHttpServerVtbl,
}

#[repr(C)]
pub struct IHttpModuleRegistrationInfoVtbl {
    _slots_0_1: [usize; 2], // GetName, GetId
    pub SetRequestNotifications: unsafe extern "system" fn(*mut IHttpModuleRegistrationInfo, *mut IHttpModuleFactory, DWORD, DWORD) -> HRESULT,
}

#[repr(C)]
pub struct IHttpModuleRegistrationInfo {
    pub vtbl: *const IHttpModuleRegistrationInfoVtbl,
}

// ------------------------------------------------- objects we implement ourselves

#[repr(C)]
pub struct IHttpModuleFactoryVtbl {
    pub GetHttpModule: unsafe extern "system" fn(*mut IHttpModuleFactory, *mut *mut CHttpModule, *mut c_void) -> HRESULT,
    pub Terminate: unsafe extern "system" fn(*mut IHttpModuleFactory),
}

#[repr(C)]
pub struct IHttpModuleFactory {
    pub vtbl: *const IHttpModuleFactoryVtbl,
}

pub type NotifyFn = unsafe extern "system" fn(*mut CHttpModule, *mut IHttpContext, *mut IHttpEventProvider) -> RequestNotificationStatus;
pub type SendResponseFn = unsafe extern "system" fn(*mut CHttpModule, *mut IHttpContext, *mut ISendResponseProvider) -> RequestNotificationStatus;
pub type AsyncCompletionFn = unsafe extern "system" fn(*mut CHttpModule, *mut IHttpContext, DWORD, BOOL, *mut IHttpEventProvider, *mut IHttpCompletionInfo) -> RequestNotificationStatus;

/// CHttpModule's virtual table.  Each `OnX` is followed by its `OnPostX`.
#[repr(C)]
pub struct CHttpModuleVtbl {
    pub OnBeginRequest: NotifyFn,
    pub OnPostBeginRequest: NotifyFn,
    pub OnAuthenticateRequest: NotifyFn,
    pub OnPostAuthenticateRequest: NotifyFn,
    pub OnAuthorizeRequest: NotifyFn,
    pub OnPostAuthorizeRequest: NotifyFn,
    pub OnResolveRequestCache: NotifyFn,
    pub OnPostResolveRequestCache: NotifyFn,
    pub OnMapRequestHandler: NotifyFn,
    pub OnPostMapRequestHandler: NotifyFn,
    pub OnAcquireRequestState: NotifyFn,
    pub OnPostAcquireRequestState: NotifyFn,
    pub OnPreExecuteRequestHandler: NotifyFn,
    pub OnPostPreExecuteRequestHandler: NotifyFn,
    pub OnExecuteRequestHandler: NotifyFn,
    pub OnPostExecuteRequestHandler: NotifyFn,
    pub OnReleaseRequestState: NotifyFn,
    pub OnPostReleaseRequestState: NotifyFn,
    pub OnUpdateRequestCache: NotifyFn,
    pub OnPostUpdateRequestCache: NotifyFn,
    pub OnLogRequest: NotifyFn,
    pub OnPostLogRequest: NotifyFn,
    pub OnEndRequest: NotifyFn,
    pub OnPostEndRequest: NotifyFn,
    pub OnSendResponse: SendResponseFn,
    pub OnMapPath: usize,
    pub OnReadEntity: usize,
    pub OnCustomRequestNotification: usize,
    pub OnAsyncCompletion: AsyncCompletionFn,
    pub Dispose: unsafe extern "system" fn(*mut CHttpModule),
}

#[repr(C)]
pub struct CHttpModule {
    pub vtbl: *const CHttpModuleVtbl,
}

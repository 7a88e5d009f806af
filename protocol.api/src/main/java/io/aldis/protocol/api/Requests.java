package io.aldis.protocol.api;

/**
 * Which id an answer to a frame carries. One rule for the whole protocol: an ERROR (or ACK) that
 * answers a request names it by this id, so the sender can match the answer to what it sent.
 */
public final class Requests {
    private Requests() {
    }

    /**
     * The id an answer to {@code frame} carries: the subscription id of SUBSCRIBE and
     * UNSUBSCRIBE, the correlation id of MESSAGE, the call id of RPC frames, the request id of
     * service and file-transfer requests; 0 for frames nobody answers by id.
     */
    public static long idOf(Frame frame) {
        return switch (frame.type()) {
            case SUBSCRIBE -> ((Subscribe) frame).subscriptionId();
            case UNSUBSCRIBE -> ((Unsubscribe) frame).subscriptionId();
            case MESSAGE -> ((Message) frame).correlationId();
            case RPC_REQUEST -> ((RpcRequest) frame).callId();
            case RPC_CANCEL -> ((RpcCancel) frame).callId();
            case SERVICE_PROVIDE -> ((ServiceProvide) frame).requestId();
            case SERVICE_WITHDRAW -> ((ServiceWithdraw) frame).requestId();
            case STREAM_OPEN -> ((StreamOpen) frame).callId();
            case UPLOAD_REQUEST -> ((UploadRequest) frame).requestId();
            case DOWNLOAD_REQUEST -> ((DownloadRequest) frame).requestId();
            case LIST_REQUEST -> ((ListRequest) frame).requestId();
            case RESUME_REQUEST -> ((ResumeRequest) frame).requestId();
            default -> 0;
        };
    }
}

package io.aldis.protocol.api;

/**
 * Which id ties an answer to its request. One rule for the whole protocol, seen from both ends:
 * {@link #idOf} is the id a request's answer will carry, and {@link #answeredIdOf} is the id an
 * answer carries, so the sender of a request can match the answer to what it sent.
 */
public final class Requests {
    private Requests() {
    }

    /**
     * The id an answer to {@code frame} carries: the subscription id of SUBSCRIBE and
     * UNSUBSCRIBE, the correlation id of MESSAGE, the call id of RPC frames, the request id of
     * service and file-transfer requests (FILE_REMOVE included); 0 for frames nobody answers by id.
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
            case FILE_REMOVE -> ((FileRemove) frame).requestId();
            default -> 0;
        };
    }

    /**
     * The id of the request {@code frame} answers, for the answers that name it by its request id:
     * ERROR and ACK (whatever they answer: the id is the one {@link #idOf} gave the request),
     * UPLOAD_ACCEPT, UPLOAD_REJECT, DOWNLOAD_ACCEPT, DOWNLOAD_REJECT, LIST_RESPONSE and
     * RESUME_RESPONSE; 0 for every other frame. RPC_RESPONSE and RPC_ERROR are not counted here:
     * they belong to the call they name by its call id, and so do a call's stream frames.
     */
    public static long answeredIdOf(Frame frame) {
        return switch (frame.type()) {
            case ERROR -> ((ErrorFrame) frame).requestId();
            case ACK -> ((Ack) frame).requestId();
            case UPLOAD_ACCEPT -> ((UploadAccept) frame).requestId();
            case UPLOAD_REJECT -> ((UploadReject) frame).requestId();
            case DOWNLOAD_ACCEPT -> ((DownloadAccept) frame).requestId();
            case DOWNLOAD_REJECT -> ((DownloadReject) frame).requestId();
            case LIST_RESPONSE -> ((ListResponse) frame).requestId();
            case RESUME_RESPONSE -> ((ResumeResponse) frame).requestId();
            default -> 0;
        };
    }
}

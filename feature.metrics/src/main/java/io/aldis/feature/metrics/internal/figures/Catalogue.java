package io.aldis.feature.metrics.internal.figures;

import static io.aldis.feature.metrics.internal.figures.Figure.counter;
import static io.aldis.feature.metrics.internal.figures.Figure.counterEntry;
import static io.aldis.feature.metrics.internal.figures.Figure.gauge;
import static io.aldis.feature.metrics.internal.figures.Figure.gaugeEntry;

import java.util.List;

/**
 * Every figure read from a plain MBean attribute, by bean. The names follow the Prometheus
 * conventions ({@code aldis_} prefix, {@code _total} on counters, {@code _bytes} and
 * {@code _seconds} units); docs/metrics.md lists the same table for operators.
 */
public final class Catalogue {
    /** The node: sessions and uptime. */
    public static final BeanFigures NODE = new BeanFigures("io.aldis:type=node,*", List.of(
            gauge("OpenSessions", "aldis_sessions", "Open sessions, in any state"),
            gauge("AuthenticatedSessions", "aldis_sessions_authenticated", "Open sessions that have authenticated"),
            gauge("UptimeSeconds", "aldis_uptime_seconds", "Seconds since the node started")));

    /** Authentication attempts and their throttling. */
    public static final BeanFigures AUTHENTICATION = new BeanFigures("io.aldis:type=authentication,*", List.of(
            counter("JudgedAttempts", "aldis_auth_attempts", "Authentication attempts whose verdict was given"),
            counter("FailedAttempts", "aldis_auth_failures",
                    "Judged authentication attempts that failed: wrong password, unknown user, bad proof"),
            counter("ThrottledAttempts", "aldis_auth_throttled",
                    "Authentication attempts that waited for their turn or came while their user or address had failed lately"),
            counter("RefusedAttempts", "aldis_auth_refused",
                    "Authentication attempts refused unjudged because their turn would have come too late")));

    /** Publish/subscribe and typed messages: its counters come as one map attribute. */
    public static final BeanFigures PUBSUB = new BeanFigures("io.aldis:type=feature,name=pubsub", List.of(
            counterEntry("Counters", "published", "aldis_pubsub_published", "Messages published"),
            counterEntry("Counters", "publishedBytes", "aldis_pubsub_published_bytes", "Payload bytes published"),
            counterEntry("Counters", "delivered", "aldis_pubsub_delivered", "Messages delivered to subscribers"),
            counterEntry("Counters", "deliveredBytes", "aldis_pubsub_delivered_bytes",
                    "Payload bytes delivered to subscribers"),
            counterEntry("Counters", "dropped", "aldis_pubsub_dropped",
                    "Messages dropped for subscribers that fell behind (slow-consumer policy)"),
            counterEntry("Counters", "slowConsumers", "aldis_pubsub_slow_consumers",
                    "Subscribers disconnected by the slow-consumer policy"),
            counterEntry("Counters", "rateLimited", "aldis_pubsub_rate_limited", "Publishes refused by a rate limit"),
            counterEntry("Counters", "publishersPaused", "aldis_pubsub_publishers_paused",
                    "Times publishers were paused for a slow subscriber"),
            counterEntry("Counters", "noResponders", "aldis_pubsub_no_responders",
                    "Requests that found no responder"),
            counterEntry("Counters", "forbidden", "aldis_pubsub_forbidden",
                    "Publishes and subscribes refused by authorization"),
            counterEntry("Counters", "messages", "aldis_messages", "Typed messages routed to a handler"),
            counterEntry("Counters", "messageErrors", "aldis_message_errors", "Typed messages whose handler failed"),
            counterEntry("Counters", "noHandler", "aldis_messages_no_handler", "Typed messages no handler took"),
            gaugeEntry("Counters", "subscriptions", "aldis_pubsub_subscriptions", "Subscriptions now"),
            gaugeEntry("Counters", "sessions", "aldis_pubsub_sessions", "Sessions with a subscription now")));

    /** RPC totals; the per-method figures come from {@link MethodFigures}. */
    public static final BeanFigures RPC = new BeanFigures("io.aldis:type=feature,name=rpc", List.of(
            counter("Calls", "aldis_rpc_calls", "RPC calls finished, refused ones included"),
            counter("Errors", "aldis_rpc_errors", "RPC calls that finished with an error, deadline or cancellation"),
            gauge("InFlight", "aldis_rpc_in_flight", "RPC calls running now"),
            gauge("Services", "aldis_rpc_services", "Services callable remotely")));

    /** Credit-controlled streams. */
    public static final BeanFigures STREAMING = new BeanFigures("io.aldis:type=feature,name=streaming", List.of(
            gauge("Open", "aldis_streams_open", "Streams open now"),
            gauge("AwaitingResume", "aldis_streams_awaiting_resume",
                    "Streams of disconnected sessions kept for a resume"),
            counter("OpenedTotal", "aldis_streams_opened", "Streams opened"),
            counter("ItemsSent", "aldis_stream_items_sent", "Stream items sent to clients"),
            counter("BytesSent", "aldis_stream_sent_bytes", "Stream item bytes sent to clients"),
            counter("ItemsReceived", "aldis_stream_items_received", "Stream items received from clients"),
            counter("BytesReceived", "aldis_stream_received_bytes", "Stream item bytes received from clients"),
            counter("CreditExceeded", "aldis_stream_credit_exceeded", "Streams ended because a peer sent past its credit"),
            counter("Cancelled", "aldis_streams_cancelled", "Streams cancelled"),
            counter("Failed", "aldis_streams_failed", "Streams ended with an error")));

    /** File transfers. */
    public static final BeanFigures FILES = new BeanFigures("io.aldis:type=feature,name=files", List.of(
            gauge("Running", "aldis_transfers_running", "Transfers with a connected session now"),
            gauge("AtCheckpoint", "aldis_transfers_at_checkpoint",
                    "Transfers waiting at a checkpoint for their client to resume"),
            counter("Uploaded", "aldis_files_uploaded", "Files uploaded and published"),
            counter("UploadedBytes", "aldis_files_uploaded_bytes", "Bytes of files uploaded and published"),
            counter("Downloaded", "aldis_files_downloaded", "Files downloaded to the end"),
            counter("DownloadedBytes", "aldis_files_downloaded_bytes", "Bytes of files downloaded to the end"),
            counter("Removed", "aldis_files_removed", "Files removed"),
            counter("Failed", "aldis_transfers_failed", "Transfers that failed")));

    /** Every bean of plain figures, in the order they are written. */
    public static final List<BeanFigures> ALL = List.of(NODE, AUTHENTICATION, PUBSUB, RPC, STREAMING, FILES);

    private Catalogue() {
    }
}

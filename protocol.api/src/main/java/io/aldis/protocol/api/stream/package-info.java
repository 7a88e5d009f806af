/**
 * Credit accounting of streams (docs/protocol.md 6.4), one implementation for the node and the
 * clients: what an item costs in each credit mode ({@link CreditMeter}, {@link SizeFunction}),
 * the rules tied to a high-water mark ({@link CreditWindow}), the sender's credit
 * ({@link SenderCredit}), the receiver's credit ({@link ReceiverCredit}), the copies a sender keeps
 * so a resumed session loses and repeats no item ({@link ResendBuffer}, {@link ResumePoint}), and
 * which side's stream ids are which ({@link StreamIds}).
 *
 * <p>Plain Java without I/O: the classes count, decide and say what to send; the caller sends it.
 * A violation by the peer is reported as a {@link io.aldis.protocol.api.ProtocolException} whose
 * code goes into the STREAM_ERROR that answers it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.aldis.protocol.api.stream;

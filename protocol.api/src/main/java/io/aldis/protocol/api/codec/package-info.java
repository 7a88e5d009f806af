/**
 * Binary codec for protocol frames, and the Netty handlers that frame them on a byte stream
 * with a 4-byte length prefix (TCP). Decoders fail closed on anything over the size limit.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package io.aldis.protocol.api.codec;

/** SCRAM-SHA-256 (RFC 5802, RFC 7677) computations and messages, shared by node and clients. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.protocol.api.scram;

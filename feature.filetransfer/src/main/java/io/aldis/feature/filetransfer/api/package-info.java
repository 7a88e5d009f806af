/**
 * The file-transfer feature's service provider interfaces: {@link io.aldis.feature.filetransfer.api.FileStore},
 * through which another bundle may keep the files somewhere other than the node's local disk, and
 * {@link io.aldis.feature.filetransfer.api.TransferPolicy}, through which it may refuse transfers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.feature.filetransfer.api;

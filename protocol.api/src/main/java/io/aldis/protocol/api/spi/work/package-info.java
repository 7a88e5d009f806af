/**
 * Work of the node's features off the network threads: {@link io.aldis.protocol.api.spi.work.SerialExecutor}
 * runs one stream's or one transfer's tasks in order on a pool shared by all of them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.protocol.api.spi.work;

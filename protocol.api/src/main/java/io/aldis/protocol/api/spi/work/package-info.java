/**
 * Work of the node's features off the network threads: {@link io.aldis.protocol.api.spi.work.SerialExecutor}
 * runs one stream's or one transfer's tasks in order on a pool shared by all of them;
 * {@link io.aldis.protocol.api.spi.work.OnLoopPolicy} judges whether a piece of service code may
 * run on the event loop that has its work instead.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.aldis.protocol.api.spi.work;

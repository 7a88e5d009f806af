/**
 * What a bundle that links nodes into a cluster offers the node's features, so that a feature can
 * use the cluster when it is there and run alone when it is not, without importing the cluster
 * bundle: {@link io.aldis.protocol.api.spi.cluster.ClusterLocks}, locks that hold across nodes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.protocol.api.spi.cluster;

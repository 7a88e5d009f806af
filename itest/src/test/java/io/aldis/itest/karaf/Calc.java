package io.aldis.itest.karaf;

/**
 * The interface the service bundle of {@link RpcFeatureIT} exports as {@code calc}; it lives in
 * that bundle, which knows nothing about Aldis.
 */
public interface Calc {

    int add(int a, int b);

    /** Returns only when the test releases it, so that the call is still in flight when the bundle stops. */
    String slow() throws InterruptedException;
}

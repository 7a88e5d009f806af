package io.aldis.itest.conformance;

/** The RPC service the conformance node exports as {@code arith}. */
public interface Arithmetic {

    int add(int a, int b);

    /** Returns "released" once the test releases it, so a call can be held in flight. */
    String hold() throws InterruptedException;
}

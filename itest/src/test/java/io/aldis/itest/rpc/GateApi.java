package io.aldis.itest.rpc;

import java.util.concurrent.CompletionStage;

/** The interface {@link Gate} is exported under. */
public interface GateApi {
    String hold(String tag) throws InterruptedException;

    CompletionStage<String> later(String tag);

    String quick(String tag);

    /** The name of the thread the method ran on. */
    String thread();
}

package io.aldis.feature.rpc.internal.export;

/** Where the methods of an exported service run, from its property {@code aldis.rpc.direct}. */
enum Placement {
    /** {@code true}: always on the I/O thread that read the call. */
    EVENT_LOOP,
    /** {@code false}: always on a worker. */
    WORKERS,
    /** Not set: on the I/O thread while each method's calls return promptly, as its {@code OnLoopPolicy} judges. */
    JUDGED;

    static Placement of(Object direct) {
        if (direct == null) {
            return JUDGED;
        }
        boolean on = direct instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(direct).trim());
        return on ? EVENT_LOOP : WORKERS;
    }
}

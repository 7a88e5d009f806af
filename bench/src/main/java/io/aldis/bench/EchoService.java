package io.aldis.bench;

/** The service called by the RPC benchmark: answers with its argument. */
public interface EchoService {
    String echo(String text);

    /** The node-side implementation, exported by {@link BenchNode} as {@code echo}. */
    final class Impl implements EchoService {
        @Override
        public String echo(String text) {
            return text;
        }
    }
}

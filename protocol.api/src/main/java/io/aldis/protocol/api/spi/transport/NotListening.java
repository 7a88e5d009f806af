package io.aldis.protocol.api.spi.transport;

/** See {@link Listener#notListening}. */
record NotListening(String transport, String name, String host, int port) implements Listener {
    @Override
    public boolean listening() {
        return false;
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public int connections() {
        return 0;
    }

    @Override
    public int maxConnections() {
        return 0;
    }
}

package io.aldis.transport.tcp.internal;

import io.aldis.spi.transport.Listener;

/**
 * What operators see of a listener whose file was rejected or whose address could not be bound:
 * its name and address, no connections; the reason is in the service property
 * {@link Listener#PROBLEM_PROPERTY}.
 */
record NotListening(String name, String host, int port) implements Listener {
    @Override
    public String transport() {
        return "tcp";
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

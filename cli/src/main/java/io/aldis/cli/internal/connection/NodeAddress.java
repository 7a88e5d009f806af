package io.aldis.cli.internal.connection;

import io.aldis.cli.internal.exit.CliFailure;
import io.aldis.cli.internal.exit.ExitCode;

/**
 * Where the node listens, as {@code --node} gives it: {@code host}, {@code host:port} or
 * {@code [v6-address]:port}. The Java client connects over TCP only, so a {@code ws://} URL is
 * refused with a hint rather than tried.
 *
 * @param host the host name or address
 * @param port the TCP port
 */
public record NodeAddress(String host, int port) {
    /** The port of the node's default TCP listener. */
    public static final int DEFAULT_PORT = 7440;

    /** Reads {@code --node}; a wrong value is a usage error. */
    public static NodeAddress parse(String text) {
        String value = text.strip();
        if (value.contains("://")) {
            throw new CliFailure(ExitCode.USAGE, "--node takes host:port (the tool connects over TCP, default port "
                    + DEFAULT_PORT + "), not a URL: " + text);
        }
        if (value.isEmpty()) {
            throw new CliFailure(ExitCode.USAGE, "--node is empty");
        }
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new CliFailure(ExitCode.USAGE, "--node has an IPv6 address without its closing ]: " + text);
            }
            host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new CliFailure(ExitCode.USAGE, "--node has something after the address that is not :port: " + text);
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon >= 0 && value.indexOf(':') != colon) {
                throw new CliFailure(ExitCode.USAGE, "--node takes an IPv6 address in brackets, as [::1]:7440: " + text);
            }
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new CliFailure(ExitCode.USAGE, "--node names no host: " + text);
        }
        return new NodeAddress(host, port == null ? DEFAULT_PORT : portOf(port, text));
    }

    private static int portOf(String port, String text) {
        try {
            int value = Integer.parseInt(port);
            if (value >= 1 && value <= 65_535) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the whole value
        }
        throw new CliFailure(ExitCode.USAGE, "--node has no port between 1 and 65535: " + text);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

package io.aldis.feature.auth.internal.acl;

/**
 * An RPC name pattern. A name is {@code service.method}: the method is the last dot-separated
 * token and the service everything before it, so service names may contain dots. A pattern is
 * {@code >} (every method of every service) or {@code SERVICE.METHOD}, split at its last dot, in
 * which each half is a glob: {@code *} matches any run of characters, in the service half dots
 * included. So {@code *.*} is every method of every service, {@code calculator.*} every method of
 * {@code calculator}, {@code billing.*.*} every method of the services under {@code billing.},
 * and {@code calculator.add} one method.
 */
final class MethodPattern implements ResourcePattern {
    private final String text;
    private final String service;
    private final String method;

    private MethodPattern(String text, String service, String method) {
        this.text = text;
        this.service = service;
        this.method = method;
    }

    /**
     * Compiles an RPC pattern.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static MethodPattern compile(String text) {
        if (text.equals(">")) {
            return new MethodPattern(text, "*", "*");
        }
        for (int c = 0; c < text.length(); c++) {
            char ch = text.charAt(c);
            if (Character.isWhitespace(ch)) {
                throw new IllegalArgumentException("whitespace in rpc pattern '" + text + "'");
            }
            if (ch == '>') {
                throw new IllegalArgumentException(
                        "in rpc patterns '>' stands alone; write SERVICE.* for every method of a service: '" + text + "'");
            }
        }
        int dot = text.lastIndexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("rpc pattern must be SERVICE.METHOD (or >): '" + text + "'");
        }
        String service = text.substring(0, dot);
        if (service.startsWith(".") || service.endsWith(".") || service.contains("..")) {
            throw new IllegalArgumentException("empty token in rpc pattern '" + text + "'");
        }
        return new MethodPattern(text, service, text.substring(dot + 1));
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public boolean matches(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return false;
        }
        return Glob.matches(method, name, dot + 1, name.length()) && Glob.matches(service, name, 0, dot);
    }

    @Override
    public boolean covers(ResourcePattern requested) {
        MethodPattern other = (MethodPattern) requested;
        return Glob.covers(service, other.service) && Glob.covers(method, other.method);
    }

    @Override
    public boolean overlaps(ResourcePattern requested) {
        MethodPattern other = (MethodPattern) requested;
        return Glob.overlaps(service, other.service) && Glob.overlaps(method, other.method);
    }

    @Override
    public String toString() {
        return text;
    }
}

package io.aldis.feature.auth.internal.command;

import org.apache.karaf.shell.api.console.CommandLine;

/** A command line whose cursor sits at the end of a single argument. */
record SimpleLine(String argument) implements CommandLine {
    @Override
    public int getCursorArgumentIndex() {
        return 0;
    }

    @Override
    public String getCursorArgument() {
        return argument;
    }

    @Override
    public int getArgumentPosition() {
        return argument.length();
    }

    @Override
    public String[] getArguments() {
        return new String[] {argument};
    }

    @Override
    public int getBufferPosition() {
        return argument.length();
    }

    @Override
    public String getBuffer() {
        return argument;
    }
}

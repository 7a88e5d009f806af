package io.aldis.feature.filetransfer.api;

import java.io.IOException;

/** A name that the store would resolve outside the user's area (through a symbolic link, say). */
public class OutsideAreaException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutsideAreaException(String name) {
        super("the name " + name + " leads outside the storage area");
    }
}

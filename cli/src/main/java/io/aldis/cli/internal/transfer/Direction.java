package io.aldis.cli.internal.transfer;

/** Which way a transfer goes, for what the tool prints about it. */
public enum Direction {
    UPLOAD("upload", "uploaded"),
    DOWNLOAD("download", "downloaded");

    private final String noun;
    private final String pastTense;

    Direction(String noun, String pastTense) {
        this.noun = noun;
        this.pastTense = pastTense;
    }

    /** {@code upload} or {@code download}. */
    public String noun() {
        return noun;
    }

    /** {@code uploaded} or {@code downloaded}. */
    public String pastTense() {
        return pastTense;
    }
}

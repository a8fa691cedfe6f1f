package org.xenproject.eliloader.cli;

/** Entry point of the eliloader program. */
public final class Main {
    public static void main(String[] args) {
    }
}

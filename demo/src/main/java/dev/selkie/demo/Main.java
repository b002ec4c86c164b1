package dev.selkie.demo;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code selkie-demo.jar}. */
@Command(name = "selkie-demo", mixinStandardHelpOptions = true, description = "Selkie demos.")
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}

package dev.baton.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "The article's story, live.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("demo: not wired yet");
        return 1;
    }
}

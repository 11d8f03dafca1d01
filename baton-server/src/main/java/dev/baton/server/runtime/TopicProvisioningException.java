package dev.baton.server.runtime;

import java.util.List;

/**
 * Baton's topics are not as it needs them and it will not, or may not, fix that itself: some are missing or
 * mis-sized while it runs without creating topics, or its principal was refused when it tried to create them. The
 * message names each topic and the command that creates it.
 */
public final class TopicProvisioningException extends IllegalStateException {
    private final transient List<RequiredTopics.Problem> problems;

    TopicProvisioningException(String message, List<RequiredTopics.Problem> problems, Throwable cause) {
        super(message, cause);
        this.problems = List.copyOf(problems);
    }

    /** Topics missing or wrong on the cluster; empty when the cluster refused to create them. */
    public List<RequiredTopics.Problem> problems() {
        return problems;
    }

    static TopicProvisioningException notReady(List<RequiredTopics.Problem> problems, ProvisioningScript script) {
        var m = new StringBuilder("Baton's topics are not ready and it does not create topics (--no-create-topics):");
        for (RequiredTopics.Problem p : problems) {
            m.append("\n  ").append(p);
            if (p.found().equals(RequiredTopics.MISSING)) {
                m.append("\n    create it: ").append(script.createTopic(p.topic()));
            } else {
                m.append("\n    recreate it (empty) as: ").append(script.createTopic(p.topic()));
            }
        }
        m.append("\n`baton topics --print` writes the commands for every topic Baton needs, and its ACLs.");
        return new TopicProvisioningException(m.toString(), problems, null);
    }

    static TopicProvisioningException refused(List<String> names, Throwable cause) {
        return new TopicProvisioningException(
                "the cluster refused to create Baton's topics " + names + " ("
                        + cause.getClass().getSimpleName()
                        + ": " + cause.getMessage() + "): this principal may not create topics. Have an administrator"
                        + " create them with the commands `baton topics --print` writes, and start with"
                        + " --no-create-topics (OrchestratorSettings.createTopics(false)).",
                List.of(),
                cause);
    }
}

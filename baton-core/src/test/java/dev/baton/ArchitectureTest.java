package dev.baton;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the workflow rules pure: no broker, no network, no JSON library, no logging, no clock. */
@AnalyzeClasses(packages = "dev.baton", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule engineUsesNoInfrastructure = noClasses()
            .that()
            .resideInAPackage("dev.baton.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.kafka..",
                    "com.fasterxml.jackson..",
                    "java.net..",
                    "java.net.http..",
                    "io.javalin..",
                    "org.eclipse.jetty..",
                    "org.slf4j..",
                    "java.util.logging..",
                    "org.apache.logging..",
                    "dev.baton.protocol..",
                    "java.io..",
                    "java.nio..",
                    "java.util.concurrent..",
                    "io.opentelemetry..",
                    "io.cloudevents..")
            .because("the engine is a pure function of (state, event); adapters do the I/O");

    @ArchTest
    static final ArchRule engineReadsNoClock = noClasses()
            .that()
            .resideInAPackage("dev.baton.engine..")
            .should()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(java.time.Clock.class, "systemUTC")
            .orShould()
            .callMethod(java.time.Clock.class, "systemDefaultZone")
            .orShould()
            .callMethod(java.time.LocalDateTime.class, "now")
            .orShould()
            .callMethod(java.util.UUID.class, "randomUUID")
            .because("time arrives with each event, so a decision can be replayed");

    @ArchTest
    static final ArchRule definitionsRulesStayPure = noClasses()
            .that()
            .resideInAPackage("dev.baton.definition..")
            .and()
            .haveNameNotMatching(".*\\.Definition(Reader|Writer)(\\$.*)?")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.kafka..", "com.fasterxml.jackson..", "org.slf4j..")
            .because("the engine evaluates conditions and mappings, so they must be as pure as it is");
}

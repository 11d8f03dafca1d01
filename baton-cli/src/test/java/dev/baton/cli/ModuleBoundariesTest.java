package dev.baton.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The CLI on top of everything, and the examples and benchmarks as users of Baton that nothing else uses. Checked on
 * every class on this module's class path (core, worker SDK, server, examples, CLI); the build's enforcer rules keep
 * the other modules from depending on the examples or the benchmarks at all.
 */
@AnalyzeClasses(packages = "dev.baton", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

    @ArchTest
    static final ArchRule cliIsOnTop = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("cli")
            .definedBy("dev.baton.cli..")
            .layer("server")
            .definedBy("dev.baton.server..")
            .layer("core")
            .definedBy("dev.baton.definition..", "dev.baton.engine..", "dev.baton.protocol..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("server")
            .mayOnlyBeAccessedByLayers("cli")
            .because("the command line wires Baton together; nothing below it may need it");

    @ArchTest
    static final ArchRule onlyTheDemoUsesTheExamples = noClasses()
            .that()
            .resideOutsideOfPackage("dev.baton.examples..")
            .and()
            .doNotBelongToAnyOf(DemoCommand.class)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.baton.examples..")
            .because("the examples show how to use Baton; only `baton demo` runs them");

    @ArchTest
    static final ArchRule nothingUsesTheBenchmarks = noClasses()
            .that()
            .resideOutsideOfPackage("dev.baton.bench..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.baton.bench..")
            .because("the benchmarks measure Baton from outside");
}

package dev.baton.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's layers: the HTTP API on top of the runtime, the runtime on top of the embedded broker and tracing. A
 * layer may use the layers below it, never one above (the CLI, in baton-cli, sits on top of them all).
 */
@AnalyzeClasses(packages = "dev.baton.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerLayersTest {
    static final String API = "dev.baton.server.api..";
    static final String RUNTIME = "dev.baton.server.runtime..";
    static final String KAFKA = "dev.baton.server.kafka..";
    static final String TRACING = "dev.baton.server.tracing..";

    @ArchTest
    static final ArchRule layersPointDownOnly = layeredArchitecture()
            .consideringAllDependencies()
            .layer("api")
            .definedBy(API)
            .layer("runtime")
            .definedBy(RUNTIME)
            .layer("kafka")
            .definedBy(KAFKA)
            .layer("tracing")
            .definedBy(TRACING)
            .whereLayer("api")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("runtime")
            .mayOnlyBeAccessedByLayers("api")
            .whereLayer("kafka")
            .mayOnlyBeAccessedByLayers("runtime", "api")
            .whereLayer("tracing")
            .mayOnlyBeAccessedByLayers("runtime", "api")
            .because("the runtime must run without its API, and the broker and tracing without the runtime");

    @ArchTest
    static final ArchRule everyClassIsInALayer = classes()
            .should()
            .resideInAnyPackage(API, RUNTIME, KAFKA, TRACING)
            .because("a package outside the layers would escape the layering rule; give it a layer first");
}

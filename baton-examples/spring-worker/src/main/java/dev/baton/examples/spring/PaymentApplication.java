package dev.baton.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A payment service whose Baton steps are Spring bean methods: {@link PaymentHandlers} charges and refunds,
 * {@link ReceiptHandlers} sends receipts. The Baton Spring Boot starter finds them and runs their workers, configured
 * in {@code application.yml}. Run it against a broker with Baton on it ({@code ./baton server}):
 *
 * <pre>{@code
 * java -jar baton-examples/spring-worker/target/baton-spring-worker-example-0.1.0-SNAPSHOT-exec.jar
 * }</pre>
 */
@SpringBootApplication
public class PaymentApplication {

    public static void main(String[] args) {
        SpringApplication.run(PaymentApplication.class, args);
    }
}

package dev.baton.spring;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.StepContext;
import dev.baton.worker.StepHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.function.Function;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/** A {@link BatonStep} or {@link BatonCompensation} method of a bean, called as a {@link StepHandler}. */
final class StepMethod implements StepHandler {

    private final Object bean;
    private final Method method;
    private final String description;
    private final Function<StepContext, Object>[] arguments;

    /**
     * @param bean the bean, possibly a proxy
     * @param declared the annotated method, as found on the bean's class
     * @param invocable the same method as it is to be invoked on {@code bean} (the proxy's, if any)
     * @param annotation "@BatonStep" or "@BatonCompensation", for messages
     * @param mapper converts the input to the parameter's type
     * @throws IllegalStateException if the method's signature is not one a handler may have
     */
    @SuppressWarnings("unchecked")
    StepMethod(Object bean, Method declared, Method invocable, String annotation, ObjectMapper mapper) {
        this.bean = bean;
        this.method = invocable;
        this.description = describe(declared);
        if (Modifier.isStatic(declared.getModifiers())) {
            throw new IllegalStateException(annotation + " method " + description + " must not be static");
        }
        Parameter[] parameters = declared.getParameters();
        this.arguments = new Function[parameters.length];
        Parameter input = null;
        for (int i = 0; i < parameters.length; i++) {
            Parameter p = parameters[i];
            if (p.getType() == StepContext.class) {
                arguments[i] = ctx -> ctx;
                continue;
            }
            if (input != null) {
                throw new IllegalStateException(annotation + " method " + description + " has two parameters that"
                        + " would receive the command's input ('" + input.getName() + "' and '" + p.getName()
                        + "'): besides StepContext parameters, at most one parameter is allowed");
            }
            input = p;
            arguments[i] = inputConverter(p, mapper);
        }
        ReflectionUtils.makeAccessible(invocable);
    }

    private static Function<StepContext, Object> inputConverter(Parameter p, ObjectMapper mapper) {
        Class<?> type = p.getType();
        if (type == JsonNode.class) {
            return StepContext::input;
        }
        if (p.getParameterizedType() instanceof Class<?>) {
            return ctx -> ctx.inputAs(type); // the SDK's conversion, InvalidInput on a mismatch
        }
        JavaType generic = mapper.getTypeFactory().constructType(p.getParameterizedType());
        return ctx -> {
            JsonNode node = ctx.input();
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            try {
                return mapper.convertValue(node, generic);
            } catch (IllegalArgumentException e) {
                throw NonRetryableException.ofType(
                        "InvalidInput", "the input does not fit " + generic.toCanonical() + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Object handle(StepContext context) throws Exception {
        Object[] args = new Object[arguments.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = arguments[i].apply(context);
        }
        try {
            return method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    String description() {
        return description;
    }

    static String describe(Method m) {
        StringBuilder sb = new StringBuilder(
                        ClassUtils.getUserClass(m.getDeclaringClass()).getSimpleName())
                .append('.')
                .append(m.getName())
                .append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return description;
    }
}

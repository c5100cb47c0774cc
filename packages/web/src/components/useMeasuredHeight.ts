import { useLayoutEffect, useRef } from 'react';

/**
 * A ref for an element whose height `onHeight` hears as it changes (a page head that grows when its contents
 * wrap on a phone), so what is laid out below it can start under it rather than over it.
 */
export function useMeasuredHeight<T extends HTMLElement>(onHeight: ((height: number) => void) | undefined) {
  const root = useRef<T>(null);
  useLayoutEffect(() => {
    const el = root.current;
    if (!el || !onHeight) return;
    const measure = () => onHeight(Math.ceil(el.getBoundingClientRect().height));
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, [onHeight]);
  return root;
}

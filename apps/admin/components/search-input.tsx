'use client';

import { useEffect, useRef, useState } from 'react';
import { TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Icon } from './icons';

/** A search box that reports what was typed once typing pauses (300 ms). */
export function SearchInput({ label, placeholder, onSearch, w = 280 }: { label: string; placeholder?: string; onSearch: (text: string) => void; w?: number }) {
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text, 300);
  // Reports a change of the text only, whatever function the parent passes on each render.
  const report = useRef(onSearch);
  useEffect(() => {
    report.current = onSearch;
  }, [onSearch]);
  useEffect(() => report.current(debounced.trim()), [debounced]);
  return (
    <TextInput
      aria-label={label}
      placeholder={placeholder ?? label}
      leftSection={<Icon name="search" size={16} />}
      value={text}
      onChange={(event) => setText(event.currentTarget.value)}
      w={w}
      type="search"
    />
  );
}

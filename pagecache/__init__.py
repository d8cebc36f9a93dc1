"""What readers get without the application doing the work again: pages and parts of pages.

Where to look:
- invalidation.py: the one table of which change refreshes which cached pages, and
  `invalidate()`; writes.py: the model and queryset methods through which every write of the
  newsroom's models calls it (save, delete, update, bulk operations), so none can skip it.
- versions.py: each cached thing is kept with the versions of what it shows (an article, every
  article, the listings); a change gives them new versions, and what was kept under the old ones
  is never served again.
- pages.py: whole pages for anonymous readers (the middleware), kept in this process's memory
  too; parts.py: parts of pages (an article's own part, "read also", the home page's lists, the
  lists of sections, tags, authors and speakers, the rankings box, the menu), for the readers
  the whole-page cache does not serve.

Each layer has a setting that turns it off (PAGE_CACHE_SECONDS, PAGE_CACHE_LOCAL_MEGABYTES,
FRAGMENT_CACHE_SECONDS); the README gives what each earns. When the cache is down, it answers as a
miss (newsroom/cache.py): pages are rendered afresh, and nothing is kept.
"""

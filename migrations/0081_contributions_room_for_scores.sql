-- Room on each page for a contribution's scored version. Scoring adds the explanation and the
-- rules version to a row (about a quarter of its size): with 15% of each page free, a page could
-- not take the new versions of all its rows, and the rest were written to other pages with a
-- new entry in each of the table's indexes. With 25% free they stay on their page (HOT) and no
-- index is written. Applies to pages written from now on.
alter table contributions set (fillfactor = 75);
